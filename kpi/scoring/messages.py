"""The scoring messages, in French and English."""

from __future__ import annotations

from kpi import i18n

i18n.add_messages(
    {
        "scoring.not_fitted": {
            "fr": "Le modèle de scoring n'est pas encore entraîné : entraînez-le d'abord sur "
            "votre historique de leads (fit).",
            "en": "The lead scoring model has not been fit yet: train it on your lead history "
            "first (fit).",
        },
        "scoring.bad_model": {
            "fr": "Modèle « {model} » inconnu. Modèles disponibles : {models}.",
            "en": "Unknown model “{model}”. Available models: {models}.",
        },
        "scoring.unknown_columns": {
            "fr": "Colonne(s) introuvable(s) : {columns}. Colonnes disponibles : {available}. "
            "Vérifiez l'orthographe (majuscules comprises).",
            "en": "Column(s) not found: {columns}. Available columns: {available}. Check the "
            "spelling (case matters).",
        },
        "scoring.no_target": {
            "fr": "Aucune colonne de résultat trouvée. Pilote cherche une colonne comme "
            "« Converti », « Gagné » ou « y » avec des valeurs oui/non, 1/0, vrai/faux ou "
            "gagné/perdu. Colonnes disponibles : {available}. Choisissez vous-même la colonne "
            "qui dit si le lead a converti.",
            "en": "No outcome column found. Pilote looks for a column such as “Converted”, "
            "“Won” or “y” with yes/no, 1/0, true/false or won/lost values. Available columns: "
            "{available}. Choose the column that says whether each lead converted.",
        },
        "scoring.bad_target": {
            "fr": "La colonne « {column} » ne se lit pas comme un résultat : valeurs vues "
            "{values}. Pilote comprend oui/non, 1/0, vrai/faux, gagné/perdu (et les étapes "
            "en cours comme leads ouverts). Choisissez la colonne qui dit si le lead a "
            "converti, ou recodez ces valeurs.",
            "en": "Column “{column}” cannot be read as an outcome: values seen {values}. "
            "Pilote reads yes/no, 1/0, true/false, won/lost (and open stages as open leads). "
            "Choose the column that says whether each lead converted, or recode these values.",
        },
        "scoring.single_class": {
            "fr": "Tous les leads dont le résultat est connu dans « {column} » ont la même "
            "valeur ({value}, {n} leads) : il faut des leads convertis et non convertis pour "
            "apprendre. Ajoutez un historique avec les deux issues, ou utilisez le scoring par "
            "règles, qui n'en demande pas.",
            "en": "Every lead with a known outcome in “{column}” has the same value ({value}, "
            "{n} leads): the model needs both converted and unconverted leads to learn. Add "
            "history with both outcomes, or use rule-based scoring, which needs none.",
        },
        "scoring.too_few": {
            "fr": "Historique trop court pour entraîner et valider un modèle : {positives} "
            "leads convertis et {negatives} non convertis dans « {column} » ; il en faut au "
            "moins {minimum} de chaque. Ajoutez de l'historique, ou utilisez le scoring par "
            "règles, qui n'en demande pas.",
            "en": "Too little history to train and validate a model: {positives} converted "
            "and {negatives} unconverted leads in “{column}”; at least {minimum} of each are "
            "needed. Add more history, or use rule-based scoring, which needs none.",
        },
        "scoring.no_features": {
            "fr": "Il ne reste aucune colonne dont apprendre : {excluded}. Remettez une "
            "colonne avec « inclure », ou ajoutez des colonnes qui décrivent les leads.",
            "en": "No column is left to learn from: {excluded}. Put a column back with "
            "“include”, or add columns that describe the leads.",
        },
        "scoring.missing_features": {
            "fr": "Le fichier à scorer n'a pas la ou les colonnes {columns} sur lesquelles le "
            "modèle a appris. Colonnes disponibles : {available}. Scorez un fichier avec les "
            "mêmes colonnes que l'historique.",
            "en": "The file to score lacks column(s) {columns} the model was trained on. "
            "Available columns: {available}. Score a file with the same columns as the "
            "history.",
        },
        "scoring.bad_threshold": {
            "fr": "Seuil {threshold} hors de 0–100. Choisissez un score entre 0 et 100.",
            "en": "Threshold {threshold} is outside 0–100. Choose a score between 0 and 100.",
        },
        "scoring.no_rules": {
            "fr": "Aucune règle de scoring. Ajoutez au moins une règle (colonne, opérateur, "
            "valeur, points).",
            "en": "No scoring rule. Add at least one rule (column, operator, value, points).",
        },
        "scoring.rule_operator": {
            "fr": "La règle {index} utilise un opérateur inconnu « {operator} ». Opérateurs "
            "possibles : {operators}.",
            "en": "Rule {index} uses an unknown operator “{operator}”. Operators: {operators}.",
        },
        "scoring.rule_value": {
            "fr": "La règle {index} (« {column} ») compare à « {value} », qui n'est pas un "
            "nombre. Donnez un nombre, ou utilisez =, ≠, contains ou in.",
            "en": "Rule {index} (“{column}”) compares with “{value}”, which is not a number. "
            "Give a number, or use =, !=, contains or in.",
        },
        "scoring.rule.reason": {
            "fr": "{condition} : {points} pts",
            "en": "{condition}: {points} pts",
        },
        "scoring.rule.op.missing": {"fr": "non renseigné", "en": "not given"},
        "scoring.rule.op.present": {"fr": "renseigné", "en": "given"},
        "scoring.excluded.user": {
            "fr": "exclue à votre demande",
            "en": "excluded at your request",
        },
        "scoring.excluded.empty": {"fr": "toujours vide", "en": "always empty"},
        "scoring.excluded.constant": {
            "fr": "constante : une seule valeur",
            "en": "constant: a single value",
        },
        "scoring.excluded.identifier": {
            "fr": "identifiant : une valeur différente par lead",
            "en": "identifier: a different value for each lead",
        },
        "scoring.excluded.text": {
            "fr": "texte libre",
            "en": "free text",
        },
        "scoring.excluded.near_unique": {
            "fr": "presque une valeur différente par lead",
            "en": "almost a different value for each lead",
        },
        "scoring.excluded.leak": {
            "fr": "fuite probable : à elle seule, elle donne presque le résultat (AUC {auc}). "
            "Remettez-la seulement si elle est connue avant l'issue du lead.",
            "en": "likely leak: on its own it almost gives the outcome away (AUC {auc}). Put "
            "it back only if it is known before the lead's outcome.",
        },
        "scoring.excluded.leak_name": {
            "fr": "fuite probable : son nom (« {word} ») indique une information notée après "
            "l'issue ou un jugement sur elle (AUC seule {auc}). Remettez-la seulement si elle "
            "est connue avant l'issue du lead.",
            "en": "likely leak: its name (“{word}”) suggests it is recorded after the outcome "
            "or is someone's judgement of it (AUC alone {auc}). Put it back only if it is "
            "known before the lead's outcome.",
        },
        "scoring.factor.higher_up": {
            "fr": "plus c'est élevé, plus le score monte",
            "en": "higher values raise the score",
        },
        "scoring.factor.higher_down": {
            "fr": "plus c'est élevé, plus le score baisse",
            "en": "higher values lower the score",
        },
        "scoring.factor.later_up": {
            "fr": "plus c'est récent, plus le score monte",
            "en": "later dates raise the score",
        },
        "scoring.factor.later_down": {
            "fr": "plus c'est récent, plus le score baisse",
            "en": "later dates lower the score",
        },
        "scoring.value.true": {"fr": "oui", "en": "yes"},
        "scoring.value.false": {"fr": "non", "en": "no"},
        "scoring.bucket.hot": {"fr": "Chaud", "en": "Hot"},
        "scoring.bucket.warm": {"fr": "Tiède", "en": "Warm"},
        "scoring.bucket.cold": {"fr": "Froid", "en": "Cold"},
        "scoring.effect.strong_up": {"fr": "fortement à la hausse", "en": "strongly up"},
        "scoring.effect.up": {"fr": "à la hausse", "en": "up"},
        "scoring.effect.down": {"fr": "à la baisse", "en": "down"},
        "scoring.effect.strong_down": {"fr": "fortement à la baisse", "en": "strongly down"},
        "scoring.reason": {
            "fr": "{column} = {value} : {effect}",
            "en": "{column} = {value}: {effect}",
        },
        "scoring.reason.none": {
            "fr": "aucun facteur marquant",
            "en": "no stand-out factor",
        },
        "scoring.value.missing": {"fr": "(non renseigné)", "en": "(not given)"},
        "scoring.column.score": {"fr": "Score", "en": "Score"},
        "scoring.column.bucket": {"fr": "Niveau", "en": "Level"},
        "scoring.column.reasons": {"fr": "Raisons", "en": "Reasons"},
        "scoring.progress.prepare": {
            "fr": "Lecture de l'historique…",
            "en": "Reading the history…",
        },
        "scoring.progress.leaks": {
            "fr": "Choix des colonnes et recherche de fuites…",
            "en": "Choosing columns and looking for leaks…",
        },
        "scoring.progress.cv": {
            "fr": "Validation croisée…",
            "en": "Cross-validating…",
        },
        "scoring.progress.fit": {
            "fr": "Entraînement du modèle final…",
            "en": "Training the final model…",
        },
        "scoring.progress.explain": {
            "fr": "Calcul des facteurs…",
            "en": "Working out the factors…",
        },
        "scoring.progress.done": {"fr": "Terminé", "en": "Done"},
    }
)
