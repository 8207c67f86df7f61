package i18n

// The texts of the telephone exchange's commands (reglament pbx, issue 16).
// They live in a file of their own and join the catalog at start.
func init() {
	for k, v := range pbxCatalog {
		if _, ok := catalog[k]; ok {
			pbxDuplicates = append(pbxDuplicates, k)
		}
		catalog[k] = v
	}
}

// pbxDuplicates lists the keys defined both here and in the catalog
// already; TestPBXKeysOnce holds it empty.
var pbxDuplicates []string

var pbxCatalog = map[string][2]string{
	"pbx.connected": {"%s: АТС %s подключена, ключ принят и сохранён зашифрованным; внутренних номеров: %d",
		"%s: the %s exchange is connected, its key accepted and stored encrypted; %d extensions"},
	"pbx.users": {"%s: внутренние номера АТС %s (%d) и менеджеры, которым они указаны в pbx_ids:",
		"%s: the %s exchange's extensions (%d) and the managers whose pbx_ids name them:"},
	"pbx.columns":  {"НОМЕР\tСОТРУДНИК\tМЕНЕДЖЕР", "EXTENSION\tEMPLOYEE\tMANAGER"},
	"pbx.unmapped": {"не указан ни у кого: добавьте в pbx_ids менеджера", "nobody's: add it to a manager's pbx_ids"},
	"pbx.unknown_id": {"менеджер %s: в pbx_ids указан %q, такого номера в АТС нет",
		"manager %s: pbx_ids names %q, which the exchange does not have"},
	"pbx.synced": {"%s: журнал звонков %s: окон %d, звонков %d (записано %d, без изменений %d), запросов %d; прочитан до %s",
		"%s: the %s call log: %d windows, %d calls (%d written, %d unchanged), %d requests; read up to %s"},
	"pbx.apply_hint": {"АТС %[1]s в разделе pbx проверена, но не подключена: ключ проверяет и сохраняет зашифрованным reglament pbx connect --workspace %[2]s -f %[3]s",
		"the %[1]s exchange of the pbx section is checked, not connected: reglament pbx connect --workspace %[2]s -f %[3]s checks its key and stores it encrypted"},
	"pbx.disconnected": {"%s: АТС отключена; её звонки остаются в базе", "%s: the exchange is disconnected; its calls stay stored"},
}
