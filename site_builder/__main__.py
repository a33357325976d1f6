"""`python -m site_builder` runs the command line."""

from site_builder.cli.main import run

if __name__ == "__main__":  # worker processes import this module too; only the real entry runs
    run()
