/** The project a page is about: its locale, currency, terminology and the viewer's level on it. */
import { createContext, useContext, type ReactNode } from 'react';
import type { Schemas } from '../api/client.ts';
import { vocabularyFor, type Terminology, type Vocabulary } from '../../domain/project.ts';

type ProjectContextValue = { project: Schemas['ProjectWithAccess']; isAdmin: boolean; vocabulary: Vocabulary; reload: () => Promise<void> };

const ProjectContext = createContext<ProjectContextValue | null>(null);

export function ProjectProvider({ project, reload, children }: { project: Schemas['ProjectWithAccess']; reload: () => Promise<void>; children: ReactNode }) {
  return (
    <ProjectContext.Provider value={{ project, isAdmin: project.commitmentsPermission === 'admin', vocabulary: vocabularyFor(project.terminology as Terminology), reload }}>
      {children}
    </ProjectContext.Provider>
  );
}

export function useProject(): ProjectContextValue {
  const ctx = useContext(ProjectContext);
  if (!ctx) throw new Error('useProject outside a project page');
  return ctx;
}

/** Formatting follows the project when there is one, else US dollars in en-US. */
export function useProjectFormat(): { currency: string; locale: string; timeZone: string } {
  const ctx = useContext(ProjectContext);
  return ctx ? { currency: ctx.project.currency, locale: ctx.project.locale, timeZone: ctx.project.timeZone } : { currency: 'USD', locale: 'en-US', timeZone: 'UTC' };
}

/** For pages listing several projects: format each row in its own project's terms. */
export function FormatScope({ project, children }: { project: Schemas['ProjectWithAccess']; children: ReactNode }) {
  return (
    <ProjectContext.Provider value={{ project, isAdmin: project.commitmentsPermission === 'admin', vocabulary: vocabularyFor(project.terminology as Terminology), reload: async () => {} }}>
      {children}
    </ProjectContext.Provider>
  );
}
