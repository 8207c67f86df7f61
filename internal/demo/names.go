package demo

import "math/rand/v2"

// The words the demo's company names, deal titles and task titles are made of.
var (
	companyForms  = [...]string{"ООО", "ООО", "ООО", "АО", "ПАО"}
	companyBrands = [...]string{
		"Альфа-Трейд", "Вектор", "Гранит", "Дельта Логистик", "Меридиан", "Восток-Сервис",
		"Технопарк", "СтройМонтаж", "Агрокомплекс", "Орион", "Сибирь-Транс", "Балтийские продукты",
		"Полюс", "Энергосфера", "Ладога", "Волга-Снаб", "Кедр", "Уралметиз", "Прогресс", "Феникс",
		"Атлант", "Квант", "Магистраль", "Парус", "Созвездие", "Стандарт", "Тайга", "Фортуна",
		"Янтарь", "Северный ветер", "Зелёная долина", "Мегаполис", "Спектр", "Горизонт",
	}
	companyCities = [...]string{
		"Москва", "Санкт-Петербург", "Казань", "Екатеринбург", "Новосибирск", "Нижний Новгород",
		"Самара", "Краснодар", "Воронеж", "Тверь", "Ярославль", "Пермь",
	}
	dealProducts = [...]string{
		"Поставка упаковки", "Поставка стрейч-плёнки", "Годовой контракт на расходники",
		"Пилотная партия", "Оснащение склада", "Сервисное обслуживание", "Поставка гофрокоробов",
		"Маркировка и этикетки",
	}
	taskTitles = [...]string{
		"Перезвонить", "Отправить коммерческое предложение", "Согласовать договор", "Выставить счёт",
		"Назначить встречу", "Уточнить потребность", "Проверить оплату", "Отправить образцы",
	}
)

// companyName draws a client company's name, e.g. ООО «Вектор» (Казань).
func companyName(r *rand.Rand) string {
	return companyForms[r.IntN(len(companyForms))] + " «" + companyBrands[r.IntN(len(companyBrands))] +
		"» (" + companyCities[r.IntN(len(companyCities))] + ")"
}

// dealTitle draws a deal's title, e.g. Пилотная партия — Гранит.
func dealTitle(r *rand.Rand) string {
	return dealProducts[r.IntN(len(dealProducts))] + " — " + companyBrands[r.IntN(len(companyBrands))]
}

// taskTitle draws a task's title.
func taskTitle(r *rand.Rand) string { return taskTitles[r.IntN(len(taskTitles))] }
