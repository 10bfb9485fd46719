package pdf

// Waiters is how many requests wait for the copy of key being made.
func (c *Cache) Waiters(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if fl := c.flights[key]; fl != nil {
		return fl.waiters
	}
	return 0
}
