"""`make loadtest`: many learners at once against one server on 127.0.0.1 (see loadtest/__main__.py)."""
