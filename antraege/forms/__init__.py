"""Forms of the Antrag pages, one module per subdomain; ``base`` holds the KERN form plumbing."""
