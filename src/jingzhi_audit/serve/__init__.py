"""``audit serve``: the self-assessment form and the district dashboard in a browser.

A Starlette app served by uvicorn; ``create_app(data_dir)`` is the factory. Everything it keeps is
under the data directory: ``app.sqlite`` (accounts, sessions, history) and ``communities/<code>/``
(each community's evidence folder, the very folder ``audit score`` grades).
"""
