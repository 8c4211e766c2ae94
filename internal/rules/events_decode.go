package rules

// decodeField methods of the payloads folded most often (see jsonscan.go). Each reads
// the fields Apply folds and skips the rest (messages, notes, texts).

func (p *InspectData) decodeField(key string, val []byte) (err error) {
	switch key {
	case "firearm":
		p.Firearm, err = jsonString(val)
	case "load":
		p.Load, err = jsonString(val)
	case "lot":
		p.Lot, err = jsonString(val)
	case "rounds":
		p.Rounds, err = jsonInt(val)
	}
	return err
}

func (p *HandoffData) decodeField(key string, val []byte) (err error) {
	switch key {
	case "firearm":
		p.Firearm, err = jsonString(val)
	case "to":
		p.To, err = jsonString(val)
	}
	return err
}

func (p *AcceptData) decodeField(key string, val []byte) (err error) {
	switch key {
	case "firearm":
		p.Firearm, err = jsonString(val)
	case "load_seen":
		p.LoadSeen, err = jsonString(val)
	case "rounds":
		p.Rounds, err = jsonInt(val)
	}
	return err
}

func (p *ReturnData) decodeField(key string, val []byte) (err error) {
	switch key {
	case "firearm":
		p.Firearm, err = jsonString(val)
	case "from":
		p.From, err = jsonString(val)
	}
	return err
}

func (p *FirearmRefuseData) decodeField(key string, val []byte) (err error) {
	switch key {
	case "firearm":
		p.Firearm, err = jsonString(val)
	case "reason":
		p.Reason, err = jsonString(val)
	case "concern":
		p.Concern, err = jsonString(val)
	}
	return err
}

func (p *CancelData) decodeField(key string, val []byte) (err error) {
	switch key {
	case "firearm":
		p.Firearm, err = jsonString(val)
	case "to":
		p.To, err = jsonString(val)
	case "rule":
		p.Rule, err = jsonString(val)
	}
	return err
}

func (p *FlagData) decodeField(key string, val []byte) (err error) {
	switch key {
	case "flag":
		p.Flag, err = jsonInt(val)
	case "rule":
		p.Rule, err = jsonString(val)
	case "subject":
		p.Subject, err = jsonString(val)
	case "ref":
		p.Ref, err = jsonString(val)
	case "firearm_flag":
		p.FirearmFlag, err = jsonBool(val)
	case "expires":
		t, err := jsonTime(val)
		p.Expires = &t
		return err
	}
	return err
}

func (p *FlagLiftData) decodeField(key string, val []byte) (err error) {
	switch key {
	case "flag":
		p.Flag, err = jsonInt(val)
	case "rule":
		p.Rule, err = jsonString(val)
	case "subject":
		p.Subject, err = jsonString(val)
	case "firearm_flag":
		p.FirearmFlag, err = jsonBool(val)
	case "by":
		p.By, err = jsonString(val)
	}
	return err
}

func (p *HoldData) decodeField(key string, val []byte) (err error) {
	switch key {
	case "hold":
		p.Hold, err = jsonString(val)
	case "ref":
		p.Ref, err = jsonString(val)
	case "firearm":
		p.Firearm, err = jsonString(val)
	case "reasons":
		p.Reasons, err = jsonStrings(val)
	case "by":
		p.By, err = jsonString(val)
	}
	return err
}

func (p *EscalationData) decodeField(key string, val []byte) (err error) {
	switch key {
	case "concern":
		p.Concern, err = jsonString(val)
	case "level":
		p.Level, err = jsonInt(val)
	}
	return err
}

func (p *IncidentData) decodeField(key string, val []byte) (err error) {
	switch key {
	case "id":
		p.ID, err = jsonString(val)
	case "kind":
		p.Kind, err = jsonString(val)
	case "serious":
		p.Serious, err = jsonBool(val)
	case "rule":
		p.Rule, err = jsonString(val)
	case "firearm":
		p.Firearm, err = jsonString(val)
	case "lot":
		p.Lot, err = jsonString(val)
	}
	return err
}

func (p *ConcernData) decodeField(key string, val []byte) (err error) {
	switch key {
	case "id":
		p.ID, err = jsonString(val)
	case "category":
		p.Category, err = jsonString(val)
	case "severity":
		p.Severity, err = jsonString(val)
	case "anonymous":
		p.Anonymous, err = jsonBool(val)
	case "receipt_sha256":
		p.ReceiptSHA256, err = jsonString(val)
	case "firearm":
		p.Firearm, err = jsonString(val)
	}
	return err
}

func (p *ConcernActData) decodeField(key string, val []byte) (err error) {
	switch key {
	case "concern":
		p.Concern, err = jsonString(val)
	}
	return err
}

func (p *RoundsData) decodeField(key string, val []byte) (err error) {
	switch key {
	case "lot":
		p.Lot, err = jsonString(val)
	case "count":
		p.Count, err = jsonInt(val)
	}
	return err
}

func (p *ReconcileData) decodeField(key string, val []byte) (err error) {
	switch key {
	case "lot":
		p.Lot, err = jsonString(val)
	case "counted":
		p.Counted, err = jsonInt(val)
	case "expected":
		p.Expected, err = jsonInt(val)
	}
	return err
}

func (p *VerifyData) decodeField(key string, val []byte) (err error) {
	switch key {
	case "lot":
		p.Lot, err = jsonString(val)
	case "method":
		p.Method, err = jsonString(val)
	case "count":
		p.Count, err = jsonInt(val)
	}
	return err
}

func (p *ReceiveData) decodeField(key string, val []byte) (err error) {
	switch key {
	case "lot":
		p.Lot, err = jsonString(val)
	case "kind":
		p.Kind, err = jsonString(val)
	case "caliber":
		p.Caliber, err = jsonString(val)
	case "count":
		p.Count, err = jsonInt(val)
	case "supplier":
		p.Supplier, err = jsonString(val)
	case "receipt":
		p.Receipt, err = jsonString(val)
	}
	return err
}

func (p *MeetingData) decodeField(key string, val []byte) (err error) {
	switch key {
	case "attendees":
		p.Attendees, err = jsonStrings(val)
	}
	return err
}

func (p *ReportData) decodeField(key string, val []byte) (err error) {
	switch key {
	case "id":
		p.ID, err = jsonString(val)
	case "kind":
		p.Kind, err = jsonString(val)
	case "serious":
		p.Serious, err = jsonBool(val)
	}
	return err
}

func (p *CloseData) decodeField(key string, val []byte) (err error) {
	switch key {
	case "incident":
		p.Incident, err = jsonString(val)
	}
	return err
}
