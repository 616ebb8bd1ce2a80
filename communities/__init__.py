from communities import _moved

_moved.install()
