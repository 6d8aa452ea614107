"""What a client tells the outside about its work: log lines, hooks and spans. Below the HTTP funnel:
it knows no waits.
"""
