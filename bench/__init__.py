"""Benchmarks and the scale-data generator (run by `make bench`, never by CI or pytest).

Everything under bench/ that writes data writes SYNTHETIC data, into directories named
`scale-<s>` below a benchmark work directory; nothing here touches a real infercast home.
"""
