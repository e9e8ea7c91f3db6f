"""The Data page's account of a tool's export and of the links between tables: "Recognised as:
Pipedrive — deals export (EN)", the semantics applied, and which lookup table completes which
table, with its coverage."""

from __future__ import annotations

import streamlit as st

from kpi import i18n
from kpi.data import Table
from ui.analysis import linked
from ui.markup import inert
from ui.state import lang, tr


def source_name(table: Table) -> str:
    """``Pipedrive — deals export (EN)``, or ``""`` for a file no profile matched (plain text,
    for tables and lists)."""
    reading = table.report.source if table.report is not None else None
    if reading is None or not reading.recognised:
        return ""
    return reading.name.get(lang(), "")


def source_panel(table: Table) -> None:
    """What the loader recognised in ``table`` and what it applied (nothing for an unknown
    file: its columns are read by their headers, as always)."""
    reading = table.report.source if table.report is not None else None
    if reading is None or not reading.recognised:
        return
    L = lang()
    with st.container(border=True):
        # The tool's and export's names come from the registry, not from the file.
        st.markdown(f"**{reading.describe(L)}**", help=tr("sources.help"))
        lines = reading.semantics.get(L, []) + reading.notes.get(L, [])
        if lines:
            st.markdown("\n".join(f"- {inert(line)}" for line in lines))
        for warning in reading.warnings.get(L, []):
            st.warning(inert(warning), icon=":material/warning:")


def links_panel(name: str) -> None:
    """The links of table ``name`` with the other loaded tables: which lookup table completes
    it (or it completes), the share of rows found, the keys not found."""
    found = linked()
    mine = [lk for lk in found.links if name in (lk.fact, lk.lookup)]
    if not mine:
        return
    L = lang()
    st.markdown(f"**{tr('sources.links')}**")
    for link in mine:
        for message in link.messages():
            text = inert(message.text(L))
            if message.key == "lookups.link":
                st.success(text, icon=":material/link:")
            elif message.key == "lookups.no_match":
                st.error(text, icon=":material/link_off:")
            else:
                st.warning(text, icon=":material/warning:")
    for message in found.notes.get(name, []):
        if message.key == "lookups.joined":
            st.caption(inert(message.text(L)))


i18n.add_messages(
    {
        "sources.help": {
            "fr": "Pilote reconnaît les exports de Salesforce, HubSpot, Pipedrive, Zoho, Odoo, Dynamics 365, Sellsy, Axonaut, noCRM.io, Shopify, WooCommerce, PrestaShop et Stripe à leurs en-têtes, et les lit comme l'outil les entend (statuts, lignes de commande, HT/TTC, devises). Vous pouvez toujours corriger les rôles ci-dessous.",
            "en": "Pilote recognises exports from Salesforce, HubSpot, Pipedrive, Zoho, Odoo, Dynamics 365, Sellsy, Axonaut, noCRM.io, Shopify, WooCommerce, PrestaShop and Stripe by their headers, and reads them as the tool means them (statuses, line items, tax, currencies). You can still correct the roles below.",
        },
        "sources.links": {
            "fr": "Liens avec les autres tableaux",
            "en": "Links with the other tables",
        },
        "sources.source_col": {"fr": "Outil reconnu", "en": "Recognised tool"},
    }
)
