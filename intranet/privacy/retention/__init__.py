"""Retention (issue 23, item 4): a nightly job deletes or archives what is past its retention."""
