"""``edge serve``: the provider's HTTP API (SPEC §2) served by the product itself."""
