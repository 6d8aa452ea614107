"""The two generations of the Workload API, side by side: the :class:`~.dialect.Dialect`, how a path is
built from a route table, v2.41, 11.5, and choosing or detecting a generation.
"""
