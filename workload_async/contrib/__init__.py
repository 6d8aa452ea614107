"""Integrations with other tools, each behind an extra and imported only by its users.

- :mod:`workload_async.contrib.airflow`: an Apache Airflow 3 provider (``workload-async[airflow]``).
"""
