package app

import (
	"crypto/tls"
	"fmt"

	"github.com/ecabinet/ecabinet/backend/config"
	"github.com/redis/go-redis/v9"
)

// newRedis connects to what REDIS_URL names: one server, the primary that
// the Sentinels currently elect (followed through failovers: go-redis asks
// the Sentinels again and drops connections to a demoted primary), or a
// Cluster. The bus and the login limits share the client. name shows in
// CLIENT LIST.
func newRedis(r *config.Redis, name string) (redis.UniversalClient, error) {
	if r.Kind == config.RedisSingle {
		opt, err := redis.ParseURL(r.URL)
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		opt.ClientName = name
		return redis.NewClient(opt), nil
	}
	opt := &redis.UniversalOptions{
		Addrs: r.Addrs, ClientName: name, DB: r.DB, Username: r.Username, Password: r.Password,
		MasterName: r.MasterName, SentinelUsername: r.SentinelUsername, SentinelPassword: r.SentinelPassword,
		IsClusterMode: r.Kind == config.RedisCluster,
	}
	if r.TLS {
		opt.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	return redis.NewUniversalClient(opt), nil
}
