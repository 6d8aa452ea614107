"""The one HTTP funnel: the transport, the session pool, responses, status -> errors, retries and their
budget, server-sent events and pages. The only client-side code that imports aiohttp.
"""
