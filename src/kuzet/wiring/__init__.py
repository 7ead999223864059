"""The composition root's parts: which handlers and background tasks each capability brings."""
