"""Small experiments the lectures run live (their recipes import the package's models)."""
