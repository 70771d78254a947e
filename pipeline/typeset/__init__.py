"""Typesetting decisions, made once for both writers: the layout profile (profile.py), balanced
title lines (titles.py) and the layout plan (plan.py). Pure: no files, fonts or libraries."""
