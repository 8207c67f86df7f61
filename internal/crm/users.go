package crm

// User is a user of a CRM account: the id records name as responsible, and
// the name and e-mail the account knows them by. The setup's People step
// lists them so that a head can say who is a sales manager.
type User struct {
	ID     string
	Name   string
	Email  string
	Active bool
}
