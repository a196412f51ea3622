"""What the tests share: repositories built for real (repos.py), and the builders of each
capability's tests, so no test module imports another."""
