package config_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/backend/config"
)

// REDIS_URL names one server, Sentinels with a master name, or Cluster nodes.
func TestRedisURL(t *testing.T) {
	for raw, want := range map[string]config.Redis{
		"redis://10.0.0.5:6379/2":       {Kind: config.RedisSingle},
		"rediss://u:p@redis.gov:6380/0": {Kind: config.RedisSingle, TLS: true},
		"redis+sentinel://s1.gov:26379,s2.gov:26379,10.0.0.3:26379/ecabinet": {Kind: config.RedisSentinel,
			Addrs: []string{"s1.gov:26379", "s2.gov:26379", "10.0.0.3:26379"}, MasterName: "ecabinet"},
		"rediss+sentinel://:m%40ster@[::1]:26379,[::1]:26380/ecab/3?sentinel_password=s3cr%26t&sentinel_username=sen": {Kind: config.RedisSentinel,
			Addrs: []string{"[::1]:26379", "[::1]:26380"}, MasterName: "ecab", DB: 3, Password: "m@ster",
			SentinelUsername: "sen", SentinelPassword: "s3cr&t", TLS: true},
		"redis+cluster://app:pw@n1:7000,n2:7001": {Kind: config.RedisCluster, Addrs: []string{"n1:7000", "n2:7001"}, Username: "app", Password: "pw"},
	} {
		c, err := config.Load(env(map[string]string{"REDIS_URL": raw}))
		if err != nil {
			t.Errorf("%s: %v", raw, err)
			continue
		}
		want.URL = raw
		if !reflect.DeepEqual(*c.Redis, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", raw, *c.Redis, want)
		}
	}
	for raw, problem := range map[string]string{
		"sentinel://s1:26379/m":                           "unknown scheme",
		"redis+sentinel://s1:26379,s2:26379":              "master name",
		"redis+sentinel://s1:26379/m/x":                   "number",
		"redis+sentinel://s1:26379/m/0/extra":             "master name",
		"redis+sentinel://s1,s2:26379/m":                  "host:port",
		"redis+sentinel://s1:99999/m":                     "host:port",
		"redis+cluster://n1:7000/1":                       "no path",
		"redis+cluster://n1:7000?sentinel_password=x":     "unknown parameter",
		"redis+sentinel://:hunter22@s1:26379/m?timeout=1": "unknown parameter",
	} {
		_, err := config.Load(env(map[string]string{"REDIS_URL": raw}))
		if err == nil || !strings.Contains(err.Error(), "REDIS_URL") || !strings.Contains(err.Error(), problem) {
			t.Errorf("%s: error %v, want one about REDIS_URL and %q", raw, err, problem)
		}
		if err != nil && strings.Contains(err.Error(), "hunter22") {
			t.Errorf("%s: the error repeats the password", raw)
		}
	}
	if c, err := config.Load(env(nil)); err != nil || c.Redis != nil {
		t.Errorf("no REDIS_URL: %+v %v", c.Redis, err)
	}
}
