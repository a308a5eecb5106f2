"""Importers for the published guide formats: read a file, parse it, store it as an edition."""
