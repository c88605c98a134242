/* textkit: the example C plugin. */
