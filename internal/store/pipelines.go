package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"reglament/internal/domain"
)

// ReplacePipelines makes the stored catalogue of workspace's pipelines and
// stages from source equal to pipelines, in one transaction: what the
// latest sync fetched. Reads of deals and moves then name their pipeline
// and stage as the catalogue does, so that a stage renamed in the CRM
// keeps its records. An unchanged catalogue writes nothing. Ids are
// required and unique: a pipeline's among the source's pipelines, a
// stage's within its pipeline (amoCRM repeats its won and lost statuses in
// every pipeline).
func (s *Store) ReplacePipelines(ctx context.Context, workspace, source string, pipelines []domain.Pipeline) error {
	if err := validatePipelines(source, pipelines); err != nil {
		return fmt.Errorf("store: replace pipelines of %q: %w", workspace, err)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := requireWorkspace(ctx, tx, workspace); err != nil {
			return err
		}
		stored, err := findPipelines(ctx, tx, workspace, source)
		if err != nil {
			return err
		}
		if samePipelines(stored, pipelines) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM pipeline_catalogue WHERE workspace = $1 AND source = $2`,
			workspace, source); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO pipeline_catalogue (workspace, source, pipeline_id, stage_id, position, name)
			VALUES ($1, $2, $3, $4, $5, $6)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		position := 0
		insert := func(pipeline, stage, name string) error {
			position++
			_, err := stmt.ExecContext(ctx, workspace, source, pipeline, stage, position, name)
			return err
		}
		for _, p := range pipelines {
			if err := insert(p.ID, "", p.Name); err != nil {
				return err
			}
			for _, st := range p.Stages {
				if err := insert(p.ID, st.ID, st.Name); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: replace pipelines of %q from %s: %w", workspace, source, err)
	}
	return nil
}

func validatePipelines(source string, pipelines []domain.Pipeline) error {
	if source == "" {
		return domain.Errorf(domain.EINVALID, "source is required")
	}
	seen := make(map[string]bool)
	for i, p := range pipelines {
		if p.ID == "" {
			return domain.Errorf(domain.EINVALID, "pipeline %d (%q) has no id", i+1, p.Name)
		}
		if seen[p.ID] {
			return domain.Errorf(domain.EINVALID, "pipeline %q is listed twice", p.ID)
		}
		seen[p.ID] = true
		stages := make(map[string]bool, len(p.Stages))
		for j, st := range p.Stages {
			if st.ID == "" {
				return domain.Errorf(domain.EINVALID, "stage %d (%q) of pipeline %q has no id", j+1, st.Name, p.ID)
			}
			if stages[st.ID] {
				return domain.Errorf(domain.EINVALID, "stage %q of pipeline %q is listed twice", st.ID, p.ID)
			}
			stages[st.ID] = true
		}
	}
	return nil
}

func samePipelines(a, b []domain.Pipeline) bool {
	return slices.EqualFunc(a, b, func(x, y domain.Pipeline) bool {
		return x.ID == y.ID && x.Name == y.Name && slices.Equal(x.Stages, y.Stages)
	})
}

// Pipelines returns the stored catalogue of workspace's pipelines and
// stages from source, in the order ReplacePipelines stored them.
func (s *Store) Pipelines(ctx context.Context, workspace, source string) ([]domain.Pipeline, error) {
	var out []domain.Pipeline
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := requireWorkspace(ctx, tx, workspace); err != nil {
			return err
		}
		var err error
		out, err = findPipelines(ctx, tx, workspace, source)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: pipelines of %q from %s: %w", workspace, source, err)
	}
	return out, nil
}

func findPipelines(ctx context.Context, tx *sql.Tx, workspace, source string) ([]domain.Pipeline, error) {
	var out []domain.Pipeline
	err := queryRows(ctx, tx, `SELECT pipeline_id, stage_id, name FROM pipeline_catalogue
		WHERE workspace = $1 AND source = $2 ORDER BY position`, []any{workspace, source}, func(rows *sql.Rows) error {
		var pipeline, stage, name string
		if err := rows.Scan(&pipeline, &stage, &name); err != nil {
			return err
		}
		if stage == "" {
			out = append(out, domain.Pipeline{ID: pipeline, Name: name})
			return nil
		}
		if len(out) == 0 || out[len(out)-1].ID != pipeline {
			return fmt.Errorf("catalogue: stage %q before its pipeline %q", stage, pipeline)
		}
		p := &out[len(out)-1]
		p.Stages = append(p.Stages, domain.Stage{ID: stage, Name: name})
		return nil
	})
	return out, err
}

// KnownPlaces returns the distinct pipeline and stage names workspace
// knows, sorted: those of its catalogues and those stored on its deals
// and moves (a CSV import has no catalogue), each named as reads name it
// (the catalogue's name for an id it holds). It is what a regulation's
// filters are checked against: a pipeline no record or catalogue names is
// most likely a typo.
func (s *Store) KnownPlaces(ctx context.Context, workspace string) (pipelines, stages []string, err error) {
	ps, ss := make(map[string]bool), make(map[string]bool)
	err = s.read(ctx, func(tx *sql.Tx) error {
		if err := requireWorkspace(ctx, tx, workspace); err != nil {
			return err
		}
		cat, err := loadCatalogue(ctx, tx, workspace)
		if err != nil {
			return err
		}
		for k, name := range cat {
			if k.stage == "" {
				ps[name] = true
			} else {
				ss[name] = true
			}
		}
		// Each (source, ids, names) once: a place is shared by many
		// records.
		place := func(source, pipelineID, pipeline, stageID, stage string) {
			pl := cat.place(source, pipelineID, pipeline, stageID, stage)
			ps[pl.Pipeline], ss[pl.Stage] = true, true
		}
		err = queryRows(ctx, tx, `SELECT DISTINCT source, pipeline_id, pipeline, stage_id, stage FROM deals WHERE workspace = $1`,
			[]any{workspace}, func(rows *sql.Rows) error {
				var source, pipelineID, pipeline, stageID, stage string
				if err := rows.Scan(&source, &pipelineID, &pipeline, &stageID, &stage); err != nil {
					return err
				}
				place(source, pipelineID, pipeline, stageID, stage)
				return nil
			})
		if err != nil {
			return fmt.Errorf("deals: %w", err)
		}
		err = queryRows(ctx, tx, `SELECT DISTINCT source, pipeline_id, pipeline, stage_id, stage,
			from_pipeline_id, from_pipeline, from_stage_id, from_stage FROM deal_moves WHERE workspace = $1`,
			[]any{workspace}, func(rows *sql.Rows) error {
				var m domain.DealMove
				if err := rows.Scan(&m.Source, &m.PipelineID, &m.Pipeline, &m.StageID, &m.Stage,
					&m.FromPipelineID, &m.FromPipeline, &m.FromStageID, &m.FromStage); err != nil {
					return err
				}
				cat.resolveMove(&m)
				ps[m.Pipeline], ss[m.Stage], ps[m.FromPipeline], ss[m.FromStage] = true, true, true, true
				return nil
			})
		if err != nil {
			return fmt.Errorf("deal moves: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: known places of %q: %w", workspace, err)
	}
	names := func(set map[string]bool) []string {
		out := make([]string, 0, len(set))
		for n := range set {
			if n != "" {
				out = append(out, n)
			}
		}
		slices.Sort(out)
		return out
	}
	return names(ps), names(ss), nil
}

// catalogueKey names a pipeline (stage empty) or a stage of one in a
// source's catalogue.
type catalogueKey struct {
	source, pipeline, stage string
}

// catalogue is a workspace's catalogues of pipelines and stages, every
// source's: the names of ids.
type catalogue map[catalogueKey]string

// loadCatalogue reads workspace's catalogues in tx.
func loadCatalogue(ctx context.Context, tx *sql.Tx, workspace string) (catalogue, error) {
	cat := make(catalogue)
	err := queryRows(ctx, tx, `SELECT source, pipeline_id, stage_id, name FROM pipeline_catalogue WHERE workspace = $1`,
		[]any{workspace}, func(rows *sql.Rows) error {
			var k catalogueKey
			var name string
			if err := rows.Scan(&k.source, &k.pipeline, &k.stage, &name); err != nil {
				return err
			}
			cat[k] = name
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("pipeline catalogue: %w", err)
	}
	return cat, nil
}

// place returns the names of pipeline and stage ids of source: the
// catalogue's when it holds the id, else the names stored with them.
func (c catalogue) place(source, pipelineID, pipeline, stageID, stage string) domain.Place {
	if pipelineID != "" {
		if name, ok := c[catalogueKey{source, pipelineID, ""}]; ok {
			pipeline = name
		}
		if stageID != "" {
			if name, ok := c[catalogueKey{source, pipelineID, stageID}]; ok {
				stage = name
			}
		}
	}
	return domain.Place{Pipeline: pipeline, Stage: stage}
}

// resolveDeal names d's pipeline and stage through the catalogue.
func (c catalogue) resolveDeal(d *domain.Deal) {
	if len(c) == 0 {
		return
	}
	p := c.place(d.Source, d.PipelineID, d.Pipeline, d.StageID, d.Stage)
	d.Pipeline, d.Stage = p.Pipeline, p.Stage
}

// resolveMove names m's pipelines and stages through the catalogue. The
// stage a move left belongs to its from-pipeline, or to its pipeline when
// the move stayed in it; an empty from-pipeline stays empty.
func (c catalogue) resolveMove(m *domain.DealMove) {
	if len(c) == 0 {
		return
	}
	to := c.place(m.Source, m.PipelineID, m.Pipeline, m.StageID, m.Stage)
	m.Pipeline, m.Stage = to.Pipeline, to.Stage
	fromID := m.FromPipelineID
	if fromID == "" {
		fromID = m.PipelineID
	}
	from := c.place(m.Source, fromID, m.FromPipeline, m.FromStageID, m.FromStage)
	if m.FromPipelineID != "" {
		m.FromPipeline = from.Pipeline
	}
	m.FromStage = from.Stage
}
