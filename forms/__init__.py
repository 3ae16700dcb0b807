"""WTForms classes, one module per page group, with GOV.UK wording for errors."""
