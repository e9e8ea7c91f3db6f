"""Total rows at the bottom (or inside) of an export — ``Total``, ``Sous-total``, ``Grand
total``… — found and dropped, each drop counted in the load report."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi import i18n
from kpi.data.columns import TEXT_DTYPE
from kpi.data.dataset import LoadReport

__all__ = ["drop_total_rows"]

_TOTAL_RE = re.compile(
    r"^\s*(grand[\s-]*|sous[\s-]*|sub[\s-]*)?(total|totaux|totals|somme|sum)\b", re.IGNORECASE
)


def _labelled_total(df: pd.DataFrame, text_cols: list[Any], rows: np.ndarray) -> list[int]:
    """The ``rows`` whose first filled text cell (among ``text_cols``) starts with a total word:
    a total's label comes first (``Total général (5 enregistrements)``), a line item's product
    named ``Subtotal mug`` comes after its order's number.

    Vectorised: a line-item export (Shopify) has half its rows sparse, all of them candidates;
    reading them cell by cell took minutes on a million lines.
    """
    if not len(rows) or not text_cols:
        return []
    found = np.zeros(len(rows), dtype=bool)
    seen = np.zeros(len(rows), dtype=bool)  # a text cell came before in the row
    index = pa.array(rows)
    for c in text_cols:
        values = pa.array(df[c], from_pandas=True).take(index)
        hit = pc.match_substring_regex(values, _TOTAL_RE.pattern, ignore_case=True)
        found |= ~seen & pc.fill_null(hit, False).to_numpy(zero_copy_only=False)
        seen |= pc.is_valid(values).to_numpy(zero_copy_only=False)
    return rows[found].tolist()


def drop_total_rows(df: pd.DataFrame, report: LoadReport) -> pd.DataFrame:
    """Drop rows labelled Total / Sous-total / Grand total that are not data.

    Candidates are the rows that are mostly empty and the last three rows (a total line in an
    export leaves most of its cells empty or closes the file). A candidate whose first text
    cells start with a total word is dropped when it is mostly empty or one of its numbers
    equals the sum of the rows since the previous total, or of all data rows above (a grand
    total). An unlabelled last row is dropped when its labels (texts, dates) are empty while
    one of its numbers equals the sum of the rows above.
    """
    n = len(df)
    if n == 0:
        return df
    text_cols = [c for c in df.columns if df[c].dtype == TEXT_DTYPE][:6]
    num_cols = [c for c in df.columns if pd.api.types.is_float_dtype(df[c])]
    filled = df.notna().sum(axis=1).to_numpy()
    sparse = filled <= 0.6 * df.shape[1]
    candidates = set(np.flatnonzero(sparse).tolist()) | set(range(max(0, n - 3), n))
    if text_cols:
        # In the first text column (where exports put a total's label) look at every row,
        # through a cheap prefix test; the exact pattern runs on the few hits only.
        first = pa.array(df[text_cols[0]], from_pandas=True)
        prefix = pc.utf8_lower(pc.utf8_slice_codeunits(first, 0, 3))
        hits = pc.is_in(prefix, value_set=pa.array(["tot", "sou", "sub", "gra", "som", "sum"]))
        candidates |= set(
            np.flatnonzero(pc.fill_null(hits, False).to_numpy(zero_copy_only=False)).tolist()
        )
    candidates = sorted(candidates)
    labelled = _labelled_total(df, text_cols, np.asarray(candidates, dtype=np.int64))
    nums = df[num_cols].to_numpy(dtype="float64", na_value=np.nan) if num_cols else None
    cum = np.nancumsum(nums, axis=0) if nums is not None else None

    def col_sum(a: int, b: int) -> np.ndarray:  # sum of rows a..b-1
        if cum is None or b <= a:
            return np.zeros(len(num_cols))
        return cum[b - 1] - (cum[a - 1] if a > 0 else 0.0)

    def equals(total: np.ndarray, values: np.ndarray) -> bool:
        ok = ~np.isnan(values) & (values != 0)
        return bool(np.any(np.isclose(total[ok], values[ok], rtol=1e-6, atol=0.011)))

    drop: list[int] = []
    removed = np.zeros(len(num_cols))
    start = 0
    for i in labelled:
        values = nums[i] if nums is not None else np.array([])
        since_last = col_sum(start, i)
        all_data = col_sum(0, i) - removed
        if sparse[i] or (
            nums is not None and (equals(since_last, values) or equals(all_data, values))
        ):
            drop.append(i)
            if nums is not None:
                removed = removed + np.nan_to_num(values)
            start = i + 1
    last = n - 1
    if last not in drop and last > 1 and nums is not None:
        labels = [c for c in df.columns if c not in num_cols]
        if labels and all(pd.isna(df[c].iat[last]) for c in labels):
            if equals(col_sum(0, last) - removed, nums[last]):
                drop.append(last)
    if not drop:
        return df
    lines = [int(i) + report.header_row + 1 for i in drop]
    report.drop(len(drop), "total", lines)
    return df.drop(index=df.index[drop]).reset_index(drop=True)


i18n.add_messages(
    {
        "load.empty": {
            "fr": "« {name} » est vide. Exportez à nouveau le fichier depuis votre outil, avec ses lignes.",
            "en": "'{name}' is empty. Export the file again from your tool, with its rows.",
        },
        "load.no_rows": {
            "fr": "« {name} » n'a qu'un en-tête et aucune ligne de données. Vérifiez les filtres de l'export.",
            "en": "'{name}' has a header but no data rows. Check the export's filters.",
        },
        "load.too_big": {
            "fr": "« {name} » pèse {size_mb} Mo, au-delà de la limite de {limit_mb} Mo. Exportez une période plus courte ou moins de colonnes.",
            "en": "'{name}' is {size_mb} MB, over the {limit_mb} MB limit. Export a shorter period or fewer columns.",
        },
        "load.binary": {
            "fr": "« {name} » n'est pas un tableau lisible (contenu binaire). Envoyez un CSV, TXT, XLSX, XLS ou ODS.",
            "en": "'{name}' is not a readable table (binary content). Send a CSV, TXT, XLSX, XLS or ODS file.",
        },
        "load.not_a_table": {
            "fr": "« {name} » ne ressemble pas à un tableau : aucun séparateur de colonnes (; , tabulation |) ne s'y répète. Enregistrez-le en CSV ou en Excel depuis votre tableur.",
            "en": "'{name}' does not look like a table: no column separator (; , tab |) repeats in it. Save it as CSV or Excel from your spreadsheet.",
        },
        "load.one_column": {
            "fr": "« {name} » n'a qu'une colonne. Pilote a besoin d'au moins deux colonnes (par exemple une date et un montant) ; vérifiez le séparateur de l'export.",
            "en": "'{name}' has a single column. Pilote needs at least two (for example a date and an amount); check the export's separator.",
        },
        "load.unreadable_csv": {
            "fr": "« {name} » n'a pas pu être lu comme CSV ({detail}). Ouvrez-le dans un tableur et enregistrez-le à nouveau en CSV.",
            "en": "'{name}' could not be read as CSV ({detail}). Open it in a spreadsheet and save it again as CSV.",
        },
        "load.corrupt_workbook": {
            "fr": "Ce classeur est endommagé ou n'est pas un vrai fichier Excel/ODS. Ouvrez-le dans Excel ou LibreOffice et enregistrez-le à nouveau, ou exportez-le en CSV.",
            "en": "This workbook is damaged or is not a real Excel/ODS file. Open it in Excel or LibreOffice and save it again, or export it as CSV.",
        },
        "load.encrypted": {
            "fr": "Ce classeur est protégé par un mot de passe. Enregistrez-en une copie sans mot de passe (Fichier › Informations › Protéger le classeur) puis réessayez.",
            "en": "This workbook is password-protected. Save a copy without a password (File › Info › Protect Workbook) and try again.",
        },
        "load.no_sheets": {
            "fr": "Le classeur « {name} » n'a aucune feuille.",
            "en": "Workbook '{name}' has no sheets.",
        },
        "load.unknown_sheet": {
            "fr": "La feuille « {sheet} » n'existe pas. Feuilles disponibles : {sheets}.",
            "en": "Sheet '{sheet}' does not exist. Available sheets: {sheets}.",
        },
        "load.too_many_columns": {
            "fr": "Ce tableau a {n} colonnes ; Pilote en lit au plus {limit}. Retirez les colonnes inutiles de l'export.",
            "en": "This table has {n} columns; Pilote reads at most {limit}. Remove unneeded columns from the export.",
        },
        "load.too_many_rows": {
            "fr": "Ce tableau a {n} lignes ; la limite est {limit}. Exportez une période plus courte.",
            "en": "This table has {n} rows; the limit is {limit}. Export a shorter period.",
        },
        "load.dropped.title": {
            "fr": "{rows} ligne(s) de titre au-dessus de l'en-tête ignorée(s)",
            "en": "{rows} title line(s) above the header skipped",
        },
        "load.dropped.empty": {
            "fr": "{rows} ligne(s) vide(s) retirée(s)",
            "en": "{rows} empty row(s) removed",
        },
        "load.dropped.total": {
            "fr": "{rows} ligne(s) de total ou sous-total retirée(s) (ce ne sont pas des données)",
            "en": "{rows} total or subtotal row(s) removed (they are not data)",
        },
        "load.dropped.footer": {
            "fr": "{rows} ligne(s) de pied de rapport retirée(s) (copyright, mentions, auteur de l'export)",
            "en": "{rows} report footer row(s) removed (copyright, notices, who ran the export)",
        },
        "sources.not_applied": {"fr": "{reason}", "en": "{reason}"},
        "sources.warning": {"fr": "{text}", "en": "{text}"},
        "load.dropped.ragged": {
            "fr": "{rows} ligne(s) retirée(s) : plus de cellules remplies que de colonnes dans l'en-tête",
            "en": "{rows} row(s) removed: more filled cells than header columns",
        },
        "load.warn.text_named_excel": {
            "fr": "Le fichier porte l'extension {ext} mais contient du texte : il a été lu comme un CSV.",
            "en": "The file is named {ext} but holds text: it was read as CSV.",
        },
        "load.warn.sheet_chosen": {
            "fr": "Feuille « {sheet} » lue (le plus grand tableau). Autres feuilles : {sheets}.",
            "en": "Sheet '{sheet}' read (the largest table). Sheets: {sheets}.",
        },
        "load.warn.bad_bytes": {
            "fr": "{n} caractère(s) illisible(s) en {encoding}, remplacés par �.",
            "en": "{n} character(s) unreadable in {encoding}, replaced by �.",
        },
        "load.warn.mixed_encoding": {
            "fr": "Le fichier est en UTF-8 sauf {n} caractère(s) venus d'un fichier Windows (cp1252), lus comme tels. Vérifiez les accents des lignes concernées.",
            "en": "The file is UTF-8 except {n} character(s) coming from a Windows (cp1252) file, read as such. Check the accents on those lines.",
        },
        "load.warn.control_chars": {
            "fr": "{chars} caractère(s) de contrôle retiré(s) dans {n} colonne(s) ({columns}) : des caractères invisibles (tabulation verticale, codes d'échappement…) que certains outils laissent dans les cellules. Les valeurs sont gardées, sans eux.",
            "en": "{chars} control character(s) removed in {n} column(s) ({columns}): invisible characters (vertical tabs, escape codes…) that some tools leave in cells. The values are kept, without them.",
        },
        "load.warn.control_in_names": {
            "fr": "{n} nom(s) de colonne contenai(en)t des caractères de contrôle invisibles : ils ont été retirés.",
            "en": "{n} column name(s) held invisible control characters: they were removed.",
        },
        "load.warn.no_header": {
            "fr": "Aucune ligne d'en-tête trouvée : les colonnes ont été nommées Column 1, Column 2…",
            "en": "No header row found: columns were named Column 1, Column 2…",
        },
        "load.warn.ragged_kept": {
            "fr": "{n} ligne(s) avaient moins de cellules que l'en-tête : gardées, cellules manquantes laissées vides.",
            "en": "{n} row(s) had fewer cells than the header: kept, missing cells left empty.",
        },
        "load.warn.empty_columns": {
            "fr": "{n} colonne(s) entièrement vide(s) retirée(s).",
            "en": "{n} entirely empty column(s) removed.",
        },
        "load.warn.unparseable": {
            "fr": "Colonne « {column} » : {n} valeur(s) illisible(s) comme {kind}, laissée(s) vide(s).",
            "en": "Column '{column}': {n} value(s) unreadable as {kind}, left empty.",
        },
        "load.warn.mixed_date_order": {
            "fr": "Les dates mélangent jour/mois et mois/jour ; ordre retenu : {order}. Les dates incompatibles sont comptées comme illisibles.",
            "en": "Dates mix day/month and month/day; order used: {order}. Dates that do not fit are counted as unreadable.",
        },
        "load.warn.ambiguous_dates_fr": {
            "fr": "Tous les jours des dates sont ≤ 12 : ordre jour/mois choisi d'après les conventions françaises du fichier (; ou virgule décimale). Vérifiez-le.",
            "en": "Every day in the dates is ≤ 12: day/month order chosen from the file's French conventions (; or decimal comma). Please check.",
        },
        "load.warn.ambiguous_dates_en": {
            "fr": "Tous les jours des dates sont ≤ 12 : ordre mois/jour choisi d'après les conventions anglo-saxonnes du fichier (virgule, point décimal). Vérifiez-le.",
            "en": "Every day in the dates is ≤ 12: month/day order chosen from the file's English conventions (comma, decimal point). Please check.",
        },
        "load.progress.reading": {"fr": "Lecture du fichier…", "en": "Reading the file…"},
        "load.progress.parsing": {"fr": "Découpage des colonnes…", "en": "Splitting columns…"},
        "load.progress.typing": {
            "fr": "Reconnaissance des nombres et des dates…",
            "en": "Recognising numbers and dates…",
        },
        "load.progress.cleaning": {"fr": "Nettoyage…", "en": "Cleaning…"},
        "load.progress.done": {"fr": "Terminé", "en": "Done"},
    }
)
