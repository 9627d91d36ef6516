package topology

import "strings"

// backingKind describes one type of backing service: how it is recognised
// in a tree, and how it is run and linked.
type backingKind struct {
	Type     string
	Name     string // default service name
	Image    string
	Port     int
	DataPath string
	// LinkVar is the variable that links it into its users unless they read
	// another one of Vars.
	LinkVar string
	// Vars are variable names that mean the service is used, and may
	// carry its address.
	Vars []string
	// URL builds the link value for a host name.
	URL       func(host string) string
	Container map[string]string
	Command   []string
	// Health is a health check command the image itself can run.
	Health  []string
	Secrets []string
	Schemes []string
	Hosts   []string // host names that mean this type
	Deps    []string // client libraries, lower case, any ecosystem
	// DepPrefixes are module path prefixes (Go, Maven groups).
	DepPrefixes []string
}

// catalog lists every backing service type Kyozo infers, most specific first.
var catalog = []*backingKind{
	{
		Type: "postgres", Name: "postgres", Image: "postgres:17-alpine", Port: 5432,
		Health:   []string{"CMD-SHELL", "pg_isready -U postgres"},
		DataPath: "/var/lib/postgresql/data", LinkVar: "DATABASE_URL",
		Vars: []string{"DATABASE_URL", "POSTGRES_URL", "POSTGRESQL_URL", "PG_URL", "PGHOST", "POSTGRES_HOST", "PGDATABASE"},
		URL: func(h string) string {
			return "postgres://postgres:${POSTGRES_PASSWORD}@" + h + ":5432/app"
		},
		Container: map[string]string{"POSTGRES_PASSWORD": "${POSTGRES_PASSWORD}", "POSTGRES_DB": "app"},
		Secrets:   []string{"POSTGRES_PASSWORD"},
		Schemes:   []string{"postgres", "postgresql", "postgis", "postgresql+psycopg", "postgresql+psycopg2", "postgresql+asyncpg", "jdbc:postgresql"},
		Hosts:     []string{"postgres", "postgresql", "pg", "postgis"},
		Deps: []string{
			"pg", "postgres", "pg-promise", "slonik", "@prisma/adapter-pg", "drizzle-orm/postgres-js",
			"psycopg2", "psycopg2-binary", "psycopg", "psycopg-binary", "asyncpg", "pg8000",
			"tokio-postgres", "postgres-types", "deadpool-postgres",
			"org.postgresql:postgresql", "postgresql",
			"postgrex", "npgsql", "npgsql.entityframeworkcore.postgresql",
			"postgresql-simple", "hasql", "persistent-postgresql", "fluent-postgres-driver", "postgres-nio",
			"org.postgresql/postgresql", "pog", "gleam_pgo", "postgres_orm", "will/crystal-pg", "crystal-pg",
		},
		DepPrefixes: []string{"github.com/lib/pq", "github.com/jackc/pgx", "gorm.io/driver/postgres", "github.com/go-pg/pg"},
	},
	{
		Type: "mariadb", Name: "mariadb", Image: "mariadb:11", Port: 3306,
		Health:   []string{"CMD", "healthcheck.sh", "--connect", "--innodb_initialized"},
		DataPath: "/var/lib/mysql", LinkVar: "DATABASE_URL",
		Vars: []string{"MARIADB_URL", "MARIADB_HOST"},
		URL: func(h string) string {
			return "mysql://app:${MARIADB_PASSWORD}@" + h + ":3306/app"
		},
		Container: map[string]string{"MARIADB_DATABASE": "app", "MARIADB_USER": "app", "MARIADB_PASSWORD": "${MARIADB_PASSWORD}", "MARIADB_RANDOM_ROOT_PASSWORD": "1"},
		Secrets:   []string{"MARIADB_PASSWORD"},
		Schemes:   []string{"mariadb", "jdbc:mariadb"},
		Hosts:     []string{"mariadb"},
		Deps:      []string{"mariadb", "org.mariadb.jdbc:mariadb-java-client"},
	},
	{
		Type: "mysql", Name: "mysql", Image: "mysql:8.4", Port: 3306,
		Health:   []string{"CMD", "mysqladmin", "ping", "-h", "127.0.0.1"},
		DataPath: "/var/lib/mysql", LinkVar: "DATABASE_URL",
		Vars: []string{"MYSQL_URL", "MYSQL_HOST", "MYSQL_DATABASE"},
		URL: func(h string) string {
			return "mysql://app:${MYSQL_PASSWORD}@" + h + ":3306/app"
		},
		Container: map[string]string{"MYSQL_DATABASE": "app", "MYSQL_USER": "app", "MYSQL_PASSWORD": "${MYSQL_PASSWORD}", "MYSQL_RANDOM_ROOT_PASSWORD": "yes"},
		Secrets:   []string{"MYSQL_PASSWORD"},
		Schemes:   []string{"mysql", "mysql2", "mysql+pymysql", "mysql+mysqldb", "mysql+aiomysql", "jdbc:mysql", "trilogy"},
		Hosts:     []string{"mysql"},
		Deps: []string{
			"mysql", "mysql2", "mysqlclient", "pymysql", "mysql-connector-python", "aiomysql",
			"mysql_async", "mysql:mysql-connector-java", "com.mysql:mysql-connector-j", "mysql-connector-java",
			"trilogy", "myxql", "mysql.data", "mysqlconnector", "pomelo.entityframeworkcore.mysql",
			"mysql-simple", "persistent-mysql", "fluent-mysql-driver",
		},
		DepPrefixes: []string{"github.com/go-sql-driver/mysql", "gorm.io/driver/mysql"},
	},
	{
		Type: "redis", Name: "redis", Image: "redis:7-alpine", Port: 6379,
		Health:   []string{"CMD", "redis-cli", "ping"},
		DataPath: "/data", LinkVar: "REDIS_URL",
		Vars:    []string{"REDIS_URL", "REDIS_HOST", "REDIS_TLS_URL", "REDISCLOUD_URL", "REDIS_ADDR", "REDIS_ADDRESS"},
		URL:     func(h string) string { return "redis://" + h + ":6379" },
		Schemes: []string{"redis", "rediss"},
		Hosts:   []string{"redis", "valkey", "keydb"},
		Deps: []string{
			"redis", "ioredis", "bull", "bullmq", "connect-redis", "@redis/client", "rate-limit-redis",
			"redis-py", "aioredis", "rq", "django-redis", "hiredis", "arq",
			"deadpool-redis", "fred", "redis.clients:jedis", "io.lettuce:lettuce-core", "jedis", "lettuce-core",
			"org.springframework.boot:spring-boot-starter-data-redis", "spring-boot-starter-data-redis", "org.redisson:redisson",
			"sidekiq", "resque", "redis-rb", "redis-client", "predis/predis", "ext-redis",
			"redix", "stackexchange.redis", "microsoft.extensions.caching.stackexchangeredis",
			"hedis", "com.taoensso/carmine",
		},
		DepPrefixes: []string{"github.com/redis/go-redis", "github.com/go-redis/redis", "github.com/gomodule/redigo", "github.com/hibiken/asynq", "github.com/redis/rueidis"},
	},
	{
		Type: "mongodb", Name: "mongodb", Image: "mongo:8", Port: 27017,
		Health:   []string{"CMD", "mongosh", "--quiet", "--eval", "db.adminCommand('ping')"},
		DataPath: "/data/db", LinkVar: "MONGODB_URI",
		Vars: []string{"MONGODB_URI", "MONGODB_URL", "MONGO_URL", "MONGO_URI", "MONGO_HOST"},
		URL: func(h string) string {
			return "mongodb://root:${MONGO_PASSWORD}@" + h + ":27017/app?authSource=admin"
		},
		Container: map[string]string{"MONGO_INITDB_ROOT_USERNAME": "root", "MONGO_INITDB_ROOT_PASSWORD": "${MONGO_PASSWORD}"},
		Secrets:   []string{"MONGO_PASSWORD"},
		Schemes:   []string{"mongodb", "mongodb+srv"},
		Hosts:     []string{"mongo", "mongodb"},
		Deps: []string{
			"mongodb", "mongoose", "pymongo", "motor", "mongoengine", "beanie", "odmantic",
			"org.mongodb:mongodb-driver-sync", "mongodb-driver-sync", "spring-boot-starter-data-mongodb",
			"org.springframework.boot:spring-boot-starter-data-mongodb",
			"mongo", "mongoid", "mongodb/mongodb", "mongodb_driver", "mongodb.driver",
		},
		DepPrefixes: []string{"go.mongodb.org/mongo-driver"},
	},
	{
		Type: "rabbitmq", Name: "rabbitmq", Image: "rabbitmq:4-alpine", Port: 5672,
		Health:   []string{"CMD", "rabbitmq-diagnostics", "-q", "ping"},
		DataPath: "/var/lib/rabbitmq", LinkVar: "AMQP_URL",
		Vars: []string{"AMQP_URL", "RABBITMQ_URL", "CLOUDAMQP_URL", "RABBITMQ_HOST"},
		URL: func(h string) string {
			return "amqp://app:${RABBITMQ_PASSWORD}@" + h + ":5672"
		},
		Container: map[string]string{"RABBITMQ_DEFAULT_USER": "app", "RABBITMQ_DEFAULT_PASS": "${RABBITMQ_PASSWORD}"},
		Secrets:   []string{"RABBITMQ_PASSWORD"},
		Schemes:   []string{"amqp", "amqps"},
		Hosts:     []string{"rabbitmq", "rabbit", "amqp"},
		Deps: []string{
			"amqplib", "amqp-connection-manager", "pika", "aio-pika", "lapin",
			"com.rabbitmq:amqp-client", "amqp-client", "spring-boot-starter-amqp", "org.springframework.boot:spring-boot-starter-amqp",
			"bunny", "sneakers", "php-amqplib/php-amqplib", "amqp", "rabbitmq.client",
		},
		DepPrefixes: []string{"github.com/rabbitmq/amqp091-go", "github.com/streadway/amqp"},
	},
	{
		Type: "kafka", Name: "kafka", Image: "apache/kafka:3.9.0", Port: 9092,
		Health:   []string{"CMD-SHELL", "/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092 > /dev/null 2>&1"},
		DataPath: "/var/lib/kafka/data", LinkVar: "KAFKA_BROKERS",
		Vars: []string{"KAFKA_BROKERS", "KAFKA_URL", "KAFKA_BOOTSTRAP_SERVERS", "KAFKA_BROKER", "KAFKA_HOST"},
		URL:  func(h string) string { return h + ":9092" },
		Container: map[string]string{
			"KAFKA_NODE_ID":                                  "1",
			"KAFKA_PROCESS_ROLES":                            "broker,controller",
			"KAFKA_LISTENERS":                                "PLAINTEXT://:9092,CONTROLLER://:9093",
			"KAFKA_CONTROLLER_LISTENER_NAMES":                "CONTROLLER",
			"KAFKA_LISTENER_SECURITY_PROTOCOL_MAP":           "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
			"KAFKA_CONTROLLER_QUORUM_VOTERS":                 "1@localhost:9093",
			"KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR":         "1",
			"KAFKA_TRANSACTION_STATE_LOG_MIN_ISR":            "1",
			"KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
		},
		Schemes: []string{"kafka"},
		Hosts:   []string{"kafka", "broker"},
		Deps: []string{
			"kafkajs", "node-rdkafka", "@confluentinc/kafka-javascript", "kafka-python", "confluent-kafka", "aiokafka",
			"rdkafka", "org.apache.kafka:kafka-clients", "kafka-clients", "spring-kafka", "org.springframework.kafka:spring-kafka",
			"ruby-kafka", "karafka", "brod", "kaffe", "broadway_kafka", "confluent.kafka",
		},
		DepPrefixes: []string{"github.com/segmentio/kafka-go", "github.com/confluentinc/confluent-kafka-go", "github.com/ibm/sarama", "github.com/shopify/sarama", "github.com/twmb/franz-go"},
	},
	{
		Type: "nats", Name: "nats", Image: "nats:2-alpine", Port: 4222,
		Health:   []string{"CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8222/healthz"},
		DataPath: "/data", LinkVar: "NATS_URL",
		Vars:        []string{"NATS_URL", "NATS_SERVERS", "NATS_HOST"},
		URL:         func(h string) string { return "nats://" + h + ":4222" },
		Command:     []string{"-js", "-sd", "/data"},
		Schemes:     []string{"nats", "tls+nats"},
		Hosts:       []string{"nats"},
		Deps:        []string{"nats", "nats-py", "async-nats", "io.nats:jnats", "jnats", "gnat", "nats.client", "nats.net"},
		DepPrefixes: []string{"github.com/nats-io/nats.go"},
	},
	{
		Type: "opensearch", Name: "opensearch", Image: "opensearchproject/opensearch:2", Port: 9200,
		Health:   []string{"CMD-SHELL", "curl -fsS http://127.0.0.1:9200/_cluster/health > /dev/null"},
		DataPath: "/usr/share/opensearch/data", LinkVar: "OPENSEARCH_URL",
		Vars:        []string{"OPENSEARCH_URL", "OPENSEARCH_HOST"},
		URL:         func(h string) string { return "http://" + h + ":9200" },
		Container:   map[string]string{"discovery.type": "single-node", "DISABLE_SECURITY_PLUGIN": "true", "OPENSEARCH_JAVA_OPTS": "-Xms512m -Xmx512m"},
		Hosts:       []string{"opensearch"},
		Deps:        []string{"@opensearch-project/opensearch", "opensearch-py", "opensearch", "org.opensearch.client:opensearch-java"},
		DepPrefixes: []string{"github.com/opensearch-project/opensearch-go"},
	},
	{
		Type: "elasticsearch", Name: "elasticsearch", Image: "docker.elastic.co/elasticsearch/elasticsearch:8.15.3", Port: 9200,
		Health:   []string{"CMD-SHELL", "curl -fsS http://127.0.0.1:9200/_cluster/health > /dev/null"},
		DataPath: "/usr/share/elasticsearch/data", LinkVar: "ELASTICSEARCH_URL",
		Vars:      []string{"ELASTICSEARCH_URL", "ELASTIC_URL", "ES_URL", "ELASTICSEARCH_HOST", "BONSAI_URL"},
		URL:       func(h string) string { return "http://" + h + ":9200" },
		Container: map[string]string{"discovery.type": "single-node", "xpack.security.enabled": "false", "ES_JAVA_OPTS": "-Xms512m -Xmx512m"},
		Hosts:     []string{"elasticsearch", "elastic", "es"},
		Deps: []string{
			"@elastic/elasticsearch", "elasticsearch", "elasticsearch-dsl", "co.elastic.clients:elasticsearch-java",
			"elasticsearch-java", "elasticsearch/elasticsearch", "elastic.clients.elasticsearch", "searchkick",
		},
		DepPrefixes: []string{"github.com/elastic/go-elasticsearch", "github.com/olivere/elastic"},
	},
	{
		Type: "memcached", Name: "memcached", Image: "memcached:1.6-alpine", Port: 11211,
		LinkVar: "MEMCACHED_SERVERS",
		Vars:    []string{"MEMCACHED_SERVERS", "MEMCACHE_SERVERS", "MEMCACHIER_SERVERS", "MEMCACHED_URL", "MEMCACHED_HOST"},
		URL:     func(h string) string { return h + ":11211" },
		Schemes: []string{"memcached", "memcache"},
		Hosts:   []string{"memcached", "memcache"},
		Deps: []string{
			"memjs", "memcached", "pymemcache", "python-memcached", "pylibmc", "dalli", "ext-memcached",
			"net.spy:spymemcached", "spymemcached", "enyimmemcachedcore",
		},
		DepPrefixes: []string{"github.com/bradfitz/gomemcache"},
	},
	{
		Type: "s3", Name: "minio", Image: "minio/minio:latest", Port: 9000,
		Health:   []string{"CMD", "mc", "ready", "local"},
		DataPath: "/data", LinkVar: "S3_ENDPOINT",
		Vars:      []string{"S3_ENDPOINT", "S3_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "MINIO_ENDPOINT", "MINIO_URL", "S3_BUCKET", "AWS_S3_BUCKET"},
		URL:       func(h string) string { return "http://" + h + ":9000" },
		Command:   []string{"server", "/data"},
		Container: map[string]string{"MINIO_ROOT_USER": "kyozo", "MINIO_ROOT_PASSWORD": "${MINIO_ROOT_PASSWORD}"},
		Secrets:   []string{"MINIO_ROOT_PASSWORD"},
		Schemes:   []string{"s3", "minio"},
		Hosts:     []string{"minio", "s3"},
		Deps: []string{
			"@aws-sdk/client-s3", "minio", "aws-sdk-s3", "rust-s3",
			"software.amazon.awssdk:s3", "io.minio:minio", "league/flysystem-aws-s3-v3", "ex_aws_s3",
			"awssdk.s3", "s3fs",
		},
		DepPrefixes: []string{"github.com/minio/minio-go", "github.com/aws/aws-sdk-go-v2/service/s3"},
	},
}

// kindByType returns the catalog entry of a type.
func kindByType(t string) *backingKind {
	for _, k := range catalog {
		if k.Type == t {
			return k
		}
	}
	return nil
}

// kindByDep returns the type a client library means, or nil.
func kindByDep(dep string) *backingKind {
	d := strings.ToLower(dep)
	for _, k := range catalog {
		for _, x := range k.Deps {
			if d == x {
				return k
			}
		}
		for _, p := range k.DepPrefixes {
			if d == p || strings.HasPrefix(d, p+"/") {
				return k
			}
		}
	}
	return nil
}

// kindByScheme returns the type a URL scheme means, or nil.
func kindByScheme(s string) *backingKind {
	s = strings.ToLower(s)
	for _, k := range catalog {
		for _, x := range k.Schemes {
			if s == x {
				return k
			}
		}
	}
	return nil
}

// kindByHost returns the type a host name means, or nil.
func kindByHost(h string) *backingKind {
	h = strings.ToLower(h)
	for _, k := range catalog {
		for _, x := range k.Hosts {
			if h == x {
				return k
			}
		}
	}
	return nil
}

// kindByVar returns the type a variable name means, or nil. DATABASE_URL
// alone is ambiguous; callers decide it from its value or default to postgres.
func kindByVar(v string) *backingKind {
	for _, k := range catalog {
		for _, x := range k.Vars {
			if v == x {
				return k
			}
		}
	}
	return nil
}

// kindByImage returns the type a compose image means, or nil.
func kindByImage(image string) *backingKind {
	ref := strings.ToLower(image)
	if i := strings.LastIndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndexByte(ref, ':'); i >= 0 && !strings.Contains(ref[i:], "/") {
		ref = ref[:i]
	}
	base := ref[strings.LastIndexByte(ref, '/')+1:]
	switch base {
	case "postgres", "postgis", "timescaledb", "pgvector", "timescaledb-ha":
		return kindByType("postgres")
	case "mysql", "mysql-server", "percona-server":
		return kindByType("mysql")
	case "mariadb":
		return kindByType("mariadb")
	case "redis", "redis-stack", "redis-stack-server", "valkey", "keydb", "dragonfly":
		return kindByType("redis")
	case "mongo", "mongodb", "mongodb-community-server":
		return kindByType("mongodb")
	case "rabbitmq":
		return kindByType("rabbitmq")
	case "kafka", "cp-kafka", "redpanda":
		return kindByType("kafka")
	case "nats":
		return kindByType("nats")
	case "elasticsearch":
		return kindByType("elasticsearch")
	case "opensearch":
		return kindByType("opensearch")
	case "memcached":
		return kindByType("memcached")
	case "minio":
		return kindByType("s3")
	}
	return nil
}
