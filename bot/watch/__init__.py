"""Watches: a channel is alerted when a resource in its watched scope becomes NON_COMPLIANT."""
