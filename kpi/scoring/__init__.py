"""Lead scoring: a model trained on the user's own history, or point rules."""
