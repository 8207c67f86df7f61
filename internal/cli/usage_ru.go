package cli

// ruUsage says each usage problem of the command line in Russian: the
// English format of usagef → the Russian one, with the same verbs in the
// same order (TestEveryUsageProblemSaysItInRussian). Flags and values stay
// as typed.
var ruUsage = map[string]string{
	"--code -: no code on stdin":                           "--code -: на стандартном вводе нет кода",
	"an admin sees every workspace: leave out --workspace": "администратор видит все рабочие пространства: уберите --workspace",
	"flag --%s is required":                                "нужен флаг --%s",
	"flag --%s needs --smtp-addr":                          "флагу --%s нужен --smtp-addr",
	"flag --%s: %v":                                        "флаг --%s: %v",
	"flag --base-url: want an absolute http(s) address such as https://reglament.example.com, got %q": "флаг --base-url: нужен полный адрес http(s), например https://reglament.example.com, а указано %q",
	"flag --email: want one address such as anna@acme.example, got %q":                                "флаг --email: нужен один адрес, например anna@acme.example, а указано %q",
	"flag --%s: want a positive number (a duration such as 10s for --db-max-wait)":                    "флаг --%s: нужно положительное число (для --db-max-wait — длительность, например 10s)",
	"flag --format: want text or json, got %q":                                                        "флаг --format: нужно text или json, а указано %q",
	"flag --format: want text, csv or json, got %q":                                                   "флаг --format: нужно text, csv или json, а указано %q",
	"flag --manager is only for a manager":                                                            "флаг --manager — только для роли manager",
	"flag --manager is required for a manager":                                                        "для роли manager нужен флаг --manager",
	"flag --period: %v": "флаг --period: %v",
	"flag --role: want admin, head, manager or viewer, got %q":                         "флаг --role: нужно admin, head, manager или viewer, а указано %q",
	"flag --smtp-addr: want host:port, e.g. smtp.example.com:587, got %q":              "флаг --smtp-addr: нужно хост:порт, например smtp.example.com:587, а указано %q",
	"flag --smtp-from is required with --smtp-addr":                                    "с --smtp-addr нужен флаг --smtp-from",
	"flag --smtp-from: invalid address %q":                                             "флаг --smtp-from: неверный адрес %q",
	"flag --smtp-insecure needs --smtp-addr":                                           "флагу --smtp-insecure нужен --smtp-addr",
	"flag --smtp-insecure: plain SMTP is allowed only to a relay on this host, not %s": "флаг --smtp-insecure: SMTP без шифрования — только к relay на этой машине, а не к %s",
	"flag --smtp-password-file needs --smtp-user":                                      "флагу --smtp-password-file нужен --smtp-user",
	"flag --smtp-user needs --smtp-password-file":                                      "флагу --smtp-user нужен --smtp-password-file",
	"flag --telegram-api-url: invalid URL %q":                                          "флаг --telegram-api-url: неверный адрес %q",
	"flag --workspace is required for a %s":                                            "для роли %s нужен флаг --workspace",
	"give exactly one of --date or --all-due":                                          "укажите ровно одно: --date или --all-due",
	"give exactly one of --manager M and --head NAME":                                  "укажите ровно одно: --manager M или --head ИМЯ",
	"give one of --date and --period":                                                  "укажите одно: --date или --period",
	"import takes exactly one CSV file, got %d":                                        "import принимает ровно один CSV-файл, а получено %d",
	"want: user add --workspace W --email E --role admin|head|manager|viewer [--manager M] [--password-file F] [--token]": "нужно: user add --workspace W --email E --role admin|head|manager|viewer [--manager M] [--password-file F] [--token]",
}
