"""The supplier portal, under /portal: server-rendered pages for suppliers, in Bahasa Indonesia
first and English, small enough for a phone on a slow connection. Its reads come from the same read
models as the explorer; it holds no key and signs nothing."""
