"""Tests of the publishing app: the charts drawn on the server. No fixtures of its own."""
