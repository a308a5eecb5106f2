"""The catalogue: regions, offices, published guides (versioned), service items and their parts."""
