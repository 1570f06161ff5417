"""A mentor or mentee editing their own profile and self-identification."""
