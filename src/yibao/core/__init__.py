"""Shared kernel: the audit trail, masking of personal data, money. Imports no other app."""
