package supervision

import (
	"time"

	"github.com/holdspace/holdspace/app/tenants"
)

func fyOf(t time.Time, startMonth int) int { return tenants.FiscalYear(t, startMonth) }
