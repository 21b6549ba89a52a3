"""Contracts: award (results → KPIs phased by quarter), delivery returns, and contract status."""
