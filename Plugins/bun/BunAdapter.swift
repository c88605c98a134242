// The Bun adapter plugin.
