"""The model: records, their rules and the financing computed from them."""
