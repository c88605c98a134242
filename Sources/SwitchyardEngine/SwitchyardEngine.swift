// The engine: filled in by the engine work.
