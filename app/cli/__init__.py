"""The `terang` command: one entry point for operators over the gateway's processes and tools
(pyproject.toml [project.scripts]; decision 0035). Each subcommand reuses the module it wraps."""
