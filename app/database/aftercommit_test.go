package database_test

import (
	"context"
	"errors"
	"testing"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
)

func TestAfterCommit(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	var ran []string
	t.Run("RunsAfterTheOutermostCommit", func(t *testing.T) {
		ran = nil
		err := database.InTx(ctx, db, func(ctx context.Context) error {
			return database.InTx(ctx, db, func(ctx context.Context) error {
				database.AfterCommit(ctx, func(context.Context) { ran = append(ran, "inner") })
				if len(ran) != 0 {
					t.Error("ran before the commit")
				}
				return nil
			})
		})
		if err != nil || len(ran) != 1 {
			t.Fatalf("got %v (%v), want the function run once", ran, err)
		}
	})
	t.Run("NotOnRollback", func(t *testing.T) {
		ran = nil
		err := database.InTx(ctx, db, func(ctx context.Context) error {
			database.AfterCommit(ctx, func(context.Context) { ran = append(ran, "x") })
			return errors.New("boom")
		})
		if err == nil || len(ran) != 0 {
			t.Fatalf("got %v (%v), want nothing run and the error", ran, err)
		}
	})
	t.Run("NowWithoutTransaction", func(t *testing.T) {
		ran = nil
		database.AfterCommit(ctx, func(context.Context) { ran = append(ran, "now") })
		if len(ran) != 1 {
			t.Fatal("want it run at once")
		}
	})
}
