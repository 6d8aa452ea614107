"""The managers hanging off the client, one module per resource; the workloads manager is split into
workload_* modules by feature.
"""
