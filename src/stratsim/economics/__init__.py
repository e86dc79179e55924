"""Money and satisfaction: what a customer's outcome is worth to the provider and to them."""
