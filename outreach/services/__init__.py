"""What several journeys share: called by the blueprints, the API, the CLI and jobs; imports models and
domain, never a blueprint. Services add and flush; the caller commits once (README, "Layout")."""
