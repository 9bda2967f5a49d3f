"""The Falcon app: thin resources; caching, CORS and headers are middleware."""
