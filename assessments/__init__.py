"""The evidence a trainee produces: quizzes and attempts, supervised hours, attestations."""
