module example.com/kyozo-example/api

go 1.23

require (
	github.com/jackc/pgx/v5 v5.6.0
	github.com/redis/go-redis/v9 v9.5.3
)
