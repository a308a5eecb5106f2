"""yibao (医保): a medical-insurance agency's public services, end to end."""
