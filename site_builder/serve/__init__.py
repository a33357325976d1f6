"""Rung 10: the dev server: HTTP into the output folder, file watching, live reload. It takes any
builder with build() and rebuild(changed); the build machinery is not its concern."""
