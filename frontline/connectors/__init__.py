"""One package per vendor, implementing the contracts in `frontline.domain.ports`; `registry` lists them.

Importing a vendor package is cheap (its settings and spec only); its httpx client is imported when a
connector is built. Nothing here imports Textual.
"""
